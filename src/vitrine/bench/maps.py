"""Similarity-map benchmark: layout time at 100k, and the /map page in headless Chromium.

    vitrine bench map                      # everything below, defaults
    vitrine bench map --no-browser --dims 319 --sizes 100000
    vitrine bench map --no-layout --browser-points 100000

Layout: synthetic clustered unit vectors (`--clusters` Gaussian clusters) of the classic embedder's
dimension (319) and of CLIP's (512), laid out by UMAP (PCA to 50 dimensions first) and by PCA alone
(the baseline), in this one process: numba's compilation of UMAP's kernels is timed apart (the
"warm-up", paid once per process), then PCA and UMAP. Quality: the share of each point's 10 nearest
neighbours on the map that belong to its own cluster (1000 sampled points). With `--public-art`,
the 4,375 paintings of ../shared/data/public-art embedded with the classic embedder are laid out
too, and the same share is computed with the artist as the label (and in the original space).

Browser: a synthetic collection of `--browser-points` records (catalogue rows, a map from the 512-d
UMAP layout when it ran, else from PCA, and an atlas of flat-colour cells) served by uvicorn on
loopback; Debian's chromium (Playwright, no GPU: WebGL runs on SwiftShader) loads /map with the
WebGL renderer and with the canvas fallback (`?renderer=canvas`): time to the page's
`vitrine-map-first-paint` mark, then frames per second while a script pans and zooms (one full
redraw per animation frame), with the dots only and zoomed in where thumbnails are drawn.
Screenshots go to artifacts/screenshots/map-100k*.png. The machine is shared: timings are noisy.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.maps.layout import PCALayout, Timings, UMAPLayout, normalise, warm_up_umap

log = logging.getLogger(__name__)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path("artifacts/screenshots")


def clustered(
    n: int, dim: int, clusters: int, seed: int = 0,
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Unit vectors around `clusters` random centres (cluster sizes vary), and their labels."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim)).astype(np.float32)
    weights = rng.uniform(0.3, 1.0, clusters)
    labels = rng.choice(clusters, size=n, p=weights / weights.sum())
    x = centres[labels] + rng.normal(scale=0.9, size=(n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), labels.astype(np.int64)


def neighbour_agreement(points: NDArray[Any], labels: NDArray[np.int64], k: int = 10,
                        sample: int = 1000, seed: int = 0) -> float:
    """Share of the k nearest neighbours (of sampled points) that carry the point's own label."""
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(seed)
    picks = rng.choice(len(points), size=min(sample, len(points)), replace=False)
    nn = NearestNeighbors(n_neighbors=k + 1).fit(points)
    _, idx = nn.kneighbors(points[picks])
    return float((labels[idx[:, 1:]] == labels[picks, None]).mean())


def knn_kept(vectors: NDArray[Any], coords: NDArray[Any], k: int = 10, sample: int = 1000,
             seed: int = 0) -> float:
    """Share of each sampled point's k nearest neighbours in vector space that stay among its
    k nearest on the map (1.0: every neighbourhood preserved)."""
    from sklearn.neighbors import NearestNeighbors

    picks = np.random.default_rng(seed).choice(len(vectors), size=min(sample, len(vectors)), replace=False)
    _, high = NearestNeighbors(n_neighbors=k + 1).fit(vectors).kneighbors(vectors[picks])
    _, low = NearestNeighbors(n_neighbors=k + 1).fit(coords).kneighbors(coords[picks])
    return float(np.mean([len(set(h[1:]) & set(lo[1:])) / k for h, lo in zip(high, low, strict=True)]))


def layout_rows(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[int, NDArray[np.float32]]]:
    rows: list[dict[str, Any]] = []
    kept: dict[int, NDArray[np.float32]] = {}
    PCALayout().fit(np.eye(8, dtype=np.float32))  # the first LAPACK call costs seconds: not PCA's
    warm = warm_up_umap() if args.umap else 0.0
    rows.append({"case": "numba warm-up (UMAP kernels compiled, once per process)",
                 "seconds": round(warm, 1)})
    for n in args.sizes:
        for dim in args.dims:
            vectors, labels = clustered(n, dim, args.clusters, seed=dim)
            t = Timings()
            start = time.perf_counter()
            coords = normalise(PCALayout().fit(vectors, t))
            rows.append({"case": f"PCA {n}x{dim}", "n": n, "dim": dim,
                         "seconds": round(time.perf_counter() - start, 2),
                         "agreement@10": round(neighbour_agreement(coords, labels), 3),
                         "knn_kept@10": round(knn_kept(vectors, coords), 3)})
            if not args.umap:
                kept[dim] = coords
                continue
            t = Timings()
            start = time.perf_counter()
            coords = normalise(UMAPLayout(neighbors=args.neighbors).fit(vectors, t))
            rows.append({"case": f"UMAP {n}x{dim}", "n": n, "dim": dim,
                         "seconds": round(time.perf_counter() - start, 1),
                         "stages": {k: round(v, 1) for k, v in t.stages.items()},
                         "agreement@10": round(neighbour_agreement(coords, labels), 3),
                         "knn_kept@10": round(knn_kept(vectors, coords), 3)})
            kept[dim] = coords
            log.info("%s", rows[-1])
    return rows, kept


def public_art_rows(folder: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The real collection: classic vectors of 4,375 paintings, labelled by artist."""
    from vitrine import embedders

    with (folder / "records.csv").open(newline="", encoding="utf-8") as fh:
        records = [r for r in csv.DictReader(fh) if (folder / r["file"]).is_file()]
    embedder = embedders.create("classic")
    start = time.perf_counter()
    vectors = []
    for i in range(0, len(records), 256):
        batch = []
        for r in records[i: i + 256]:
            with Image.open(folder / r["file"]) as image:
                batch.append(image.convert("RGB"))
        vectors.append(embedder.embed_images(batch))
    x = np.concatenate(vectors)
    embed_s = time.perf_counter() - start
    artists = {a: i for i, a in enumerate(sorted({r["artist"] for r in records}))}
    labels = np.array([artists[r["artist"]] for r in records], np.int64)
    rows: list[dict[str, Any]] = [{"case": f"public-art: classic embedding of {len(x)} images",
                                   "seconds": round(embed_s, 1),
                                   "agreement@10": round(neighbour_agreement(x, labels), 3)}]
    rows.append(atlas_row(folder, [folder / r["file"] for r in records]))
    layouts: list[tuple[str, Any]] = [("PCA", PCALayout())]
    if args.umap:
        layouts.append(("UMAP", UMAPLayout(neighbors=args.neighbors)))
    for name, layout in layouts:
        t = Timings()
        start = time.perf_counter()
        coords = normalise(layout.fit(x, t))
        rows.append({"case": f"public-art {name} {len(x)}x{x.shape[1]}",
                     "seconds": round(time.perf_counter() - start, 2),
                     "stages": {k: round(v, 2) for k, v in t.stages.items()},
                     "agreement@10": round(neighbour_agreement(coords, labels), 3),
                     "knn_kept@10": round(knn_kept(x, coords), 3)})
    return rows


def atlas_row(folder: Path, files: list[Path]) -> dict[str, Any]:
    """Atlas sheets (32 and 64 px cells) from real JPEGs, as `vitrine map build` makes them."""
    from vitrine.maps import atlas

    def cells(ids: NDArray[np.int64]) -> Iterator[Image.Image | None]:
        return (atlas.open_cell(files[int(i)]) for i in ids)

    with tempfile.TemporaryDirectory(prefix="map-bench-atlas-") as tmp:
        start = time.perf_counter()
        atlas.write_sheets(Path(tmp), np.arange(len(files), dtype=np.int64), cells)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    return {"case": f"public-art atlas of {len(files)} images (200 px JPEGs)", "seconds": round(seconds, 1),
            "images_per_s": round(len(files) / seconds), "bytes_per_image": round(size / len(files))}


# -- the browser half -------------------------------------------------------------------------

def synthetic_collection(root: Path, coords: NDArray[np.float32], clusters: int) -> Path:
    """A collection whose map holds `coords` (catalogue rows, an atlas of flat cells, no images)."""
    from vitrine.collection import create_collection
    from vitrine.maps import atlas
    from vitrine.maps.build import z_order
    from vitrine.maps.store import MapData, MapMeta, map_dir, save_map
    from vitrine.records import ImageRef, Record

    n = len(coords)
    order = np.argsort(z_order(coords), kind="stable")
    coords = coords[order]
    coll = create_collection(root, embedder="fake", index="memory", title="Map benchmark")
    rng = np.random.default_rng(0)
    groups = rng.integers(0, clusters, n)
    with coll.catalog.transaction():
        for i in range(n):
            coll.catalog.upsert(Record(
                identifier=f"w{i:06d}", title=f"Synthetic work {i}", creators=[f"Artist {groups[i] % 40}"],
                date_text=str(1500 + int(rng.integers(0, 450))), object_type=("painting", "print")[i % 2],
                images=[ImageRef(location=f"/nonexistent/{i}.jpg")]))
    ids = coll.catalog.all_image_ids()
    key = "bench/1/64"
    coll.catalog.set_meta("vectors_embedder", key)
    palette = [Image.new("RGB", (64, 48), tuple(int(v) for v in rng.integers(40, 255, 3))) for _ in range(64)]

    def cells(image_ids: NDArray[np.int64]) -> Iterator[Image.Image | None]:
        return (palette[int(i) % len(palette)] for i in image_ids)

    version = f"{int(time.time() * 1000):x}"
    atlas.write_sheets(atlas.atlas_dir(map_dir(coll), version), ids, cells)
    save_map(coll, MapData(coords, ids, np.arange(n, dtype=np.int32), np.zeros(n, bool), MapMeta(
        embedder=key, method="umap", built_at=time.time(), updated_at=time.time(), version=version,
        atlas=atlas.geometry(n))))
    coll.close()
    return root


@contextmanager
def serve(root: Path) -> Iterator[str]:
    from vitrine.settings import Settings, WebSettings
    from vitrine.web import create_app
    from vitrine.web.background import serving

    app = create_app(Settings(data_dir=root.parent, web=WebSettings(rate_limit_per_minute=0)), root)
    with serving(app) as url:
        yield url


_ANIMATE = """async ([seconds, z0, z1, cx, cy, amp]) => {
  const m = window.vitrineMap; await m.ready;
  const start = performance.now(); let frames = 0; let worst = 0; let last = start;
  await new Promise((done) => {
    function step(now) {
      const t = (now - start) / 1000;
      const zoom = z0 * Math.pow(z1 / z0, 0.5 - 0.5 * Math.cos(t * 2));
      m.setView(cx + amp * Math.cos(t), cy + amp * Math.sin(t * 1.3), zoom);
      m.draw(); frames++; worst = Math.max(worst, now - last); last = now;
      if (t < seconds) requestAnimationFrame(step); else done();
    }
    requestAnimationFrame(step);
  });
  return { fps: frames / ((performance.now() - start) / 1000), worst_ms: worst, frames };
}"""


def browser_rows(url: str, args: argparse.Namespace, n: int) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    rows = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for renderer in ("webgl", "canvas", "auto"):
            paints, datas = [], []
            for attempt in range(args.repeats):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(f"{url}/map" + ("" if renderer == "auto" else f"?renderer={renderer}"))
                page.wait_for_function(
                    "performance.getEntriesByName('vitrine-map-first-paint').length > 0", timeout=120_000)
                paints.append(page.evaluate("performance.getEntriesByName('vitrine-map-first-paint')[0].startTime"))
                datas.append(page.evaluate("performance.getEntriesByName('vitrine-map-data')[0].startTime"))
                if attempt < args.repeats - 1:
                    context.close()
            name = page.evaluate("window.vitrineMap.state.renderer.name")
            dots = page.evaluate(_ANIMATE, [args.seconds, 1.0, 4.0, 0.5, 0.5, 0.2])
            page.screenshot(path=str(SHOTS / f"map-100k-{renderer}.png"))
            # zoomed in on a populated spot, where thumbnails replace the dots
            zoom = 10.0 * (n / 100_000) ** 0.5
            cx, cy = page.evaluate("() => { const s = window.vitrineMap.state, i = s.n >> 1;"
                                   " return [s.xy[2 * i], s.xy[2 * i + 1]]; }")
            view = f"window.vitrineMap.setView({cx}, {cy}, {zoom})"
            page.evaluate(view)
            page.wait_for_timeout(3000)  # let the atlas sheets in view arrive
            thumbs = page.evaluate(_ANIMATE, [args.seconds, zoom, zoom * 1.5, cx, cy, 0.02 / zoom])
            drawn = page.evaluate("window.vitrineMap.state.atlas.size")
            page.evaluate(view)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(SHOTS / f"map-100k-{renderer}-zoomed.png"))
            context.close()
            rows.append({"asked": renderer, "renderer": name, "points": n,
                         "first_paint_ms": round(statistics.median(paints)),
                         "data_ms": round(statistics.median(datas)),
                         "fps_dots": round(dots["fps"], 1), "worst_frame_ms_dots": round(dots["worst_ms"]),
                         "fps_thumbnails": round(thumbs["fps"], 1), "atlas_sheets_loaded": drawn,
                         "worst_frame_ms_thumbnails": round(thumbs["worst_ms"])})
            log.info("%s", rows[-1])
        browser.close()
    return rows


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="vitrine bench map", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    p.add_argument("--dims", type=int, nargs="+", default=[319, 512])
    p.add_argument("--clusters", type=int, default=60)
    p.add_argument("--neighbors", type=int, default=15)
    p.add_argument("--umap", action=argparse.BooleanOptionalAction, default=True,
                   help="--no-umap: PCA only (fast)")
    p.add_argument("--layout", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--public-art", default="../shared/data/public-art",
                   help="folder with records.csv; skipped when absent")
    p.add_argument("--browser", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--browser-points", type=int, default=100_000)
    p.add_argument("--repeats", type=int, default=3, help="page loads per renderer (median first paint)")
    p.add_argument("--seconds", type=float, default=4.0, help="length of each scripted pan/zoom")
    p.add_argument("--workdir", default=None, help="where the browser collection is built (temporary)")
    p.add_argument("--json", dest="json_out", default=None, help="also write the results to this file")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse(argv)
    results: dict[str, Any] = {"command": "vitrine bench map " + " ".join(argv or [])}
    kept: dict[int, NDArray[np.float32]] = {}
    if args.layout:
        results["layout"], kept = layout_rows(args)
        art = Path(args.public_art)
        if (art / "records.csv").is_file():
            results["public_art"] = public_art_rows(art, args)
        else:
            log.warning("%s is absent: skipping the public-art sanity check", art)
    if args.browser:
        n = args.browser_points
        coords = kept.get(512)
        if coords is None or len(coords) != n:
            coords = normalise(PCALayout().fit(clustered(n, 512, args.clusters, seed=512)[0]))
        with tempfile.TemporaryDirectory(prefix="map-bench-", dir=args.workdir) as tmp:
            start = time.perf_counter()
            root = synthetic_collection(Path(tmp) / "bench", coords, args.clusters)
            results["browser_setup_s"] = round(time.perf_counter() - start, 1)
            with serve(root) as url:
                results["browser"] = browser_rows(url, args, n)
    print(json.dumps(results, indent=2))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
