"""vitrine bench vectors|quality|clip|pipeline|uploads|...: forwards its arguments to vitrine.bench.<name>."""

from __future__ import annotations

import importlib
import sys

import click

BENCHMARKS = {
    "vectors": "Vector index speed and recall (faiss, memory, milvus).",
    "quality": "Retrieval quality of an embedder on a labelled collection.",
    "clip": "CLIP embedder throughput.",
    "pipeline": "Import + indexing throughput end to end.",
    "engines": "Indexing, and an agent (--agent), local vs Ray Data at 1 and 2 workers (public-art).",
    "regions": "Region search on chapbook pages: box recall@1, woodcut groups, latency at 10k pages.",
    "duplicates": "Near-duplicate precision/recall on public-art with planted copies; k-NN vs all pairs.",
    "map": "Similarity map: layout time at 100k, first paint and frame rate in Chromium.",
    "recognition": "Works in synthetic phone photos, family by family: today's pipeline vs the new one.",
    "recognition-scale": "Recognition latency with the local index grown to 100,000 synthetic works.",
    "feedback": "Relevance feedback on public-art (artist as label): precision@20 by round, latency.",
    "uploads": "Peak server memory per request on each upload route, hostile files, vs the former decode.",
    "screening": "NudeNet screening of visitor photos: time per photo (p50, p95) vs decode and resize alone.",
    "dates": "Date agent on Tate: exact years vs Tate's own by pattern family, beside parse_date; records/s.",
    "records": "Records agent: same-work pairs on public-art, maker variants and dates on Tate; 100k.",
    "concepts": "Concepts taught from examples (public-art): AP by labels, uncertainty vs random.",
    "faces": "Face detectors (YuNet, dlib HOG, dlib MMOD) on public-art: ms per image; P/R with --labels.",
    "reconcile": "Tate's artists against NGA constituents: P/R of the top candidate, review window; names/s.",
    "ask": "Asking public-art: precision/recall of cited works, correct refusals, latency; vs full text.",
    "entities": "Named entities on HIPE-2022 dev files: strict/fuzzy F1 per layer and combination; tokens/s.",
    "living": "Living portraits on public-art: landmarks found on portraits, render time.",
    "sitters": "Same sitter across public-art (hand-checked groups): recall@k, mAP of the nearest faces.",
    "pages": "Picture and text blocks on chapbook pages: P/R at IoU 0.5 by class; finder vs trained; pages/s",
    "review": "Review queue at a million suggestions: page and decision p50/p95, insertion, storage vs 10k.",
    "ocr": "Tesseract OCR on hand-transcribed chapbook pages: CER, WER, pages/s per core vs plain Tesseract.",
    "storage": "Indexing images from object storage (s3://, a moto stand-in or --endpoint) vs local files.",
    "catalog": "Catalogue at 1M records: import rate, facets, full text, filtered visual search; vs 100k.",
}
# benchmark name -> module under vitrine.bench, where they differ
_MODULES = {"map": "maps", "recognition-scale": "recognition_scale"}

_FORWARD = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


@click.group("bench")
def bench() -> None:
    """Benchmarks; each takes its own options (see 'vitrine bench NAME --help')."""


def _forwarder(name: str) -> click.Command:
    @click.command(name, context_settings=_FORWARD, help=BENCHMARKS[name], add_help_option=False)
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args: tuple[str, ...]) -> None:
        try:
            module = importlib.import_module(f"vitrine.bench.{_MODULES.get(name, name)}")
        except ModuleNotFoundError as exc:
            raise click.ClickException(f"benchmark {name!r} is not available here ({exc})") from None
        code = module.main(list(args))
        if isinstance(code, int) and code:  # some benchmarks return a report object instead
            sys.exit(code)

    return command


for _name in BENCHMARKS:
    bench.add_command(_forwarder(_name))
