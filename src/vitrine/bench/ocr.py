"""OCR benchmark on chapbook pages transcribed by hand: CER and WER, pages/s per core.

    vitrine bench ocr [--labels data/labels/ocr] [--pages ../shared/data/chapbooks/pages]
                      [--set reported|tuning] [--configs plain,vitrine] [--json report.json]

Each configuration reads every page of the set, in the same run:

- `plain`, the baseline: Tesseract on the whole page as it is (`tesseract page.jpg - -l eng`:
  scale 1, no picture masked), what one gets without vitrine;
- `vitrine`: the `ocr` agent's defaults (the page minus its picture blocks, enlarged twice, eng);
- `eng+fra`, `psm4`, `scale1`, `scale3`: the defaults with one setting changed, for choosing them
  (on `--set tuning`: the rule is to tune there and report on `reported`).

CER and WER are micro rates over the set (`vitrine.ocr.quality`: quotes, long s and white space
normalised). Speed: Tesseract limited to one thread (OMP_THREAD_LIMIT=1), pages read one after the
other; pages/s per core is pages over the CPU seconds of this process and its Tesseract children,
so that other work on the machine does not count; wall seconds are printed beside it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from vitrine.bench.output import check_choices, emit
from vitrine.ocr.engine import OcrOptions, read_page
from vitrine.ocr.quality import Errors, errors

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_LABELS = ROOT / "data" / "labels" / "ocr"
DEFAULT_PAGES = ROOT.parent / "shared" / "data" / "chapbooks" / "pages"
# name -> (options, mask pictures)
CONFIGS: dict[str, tuple[OcrOptions, bool]] = {
    "plain": (OcrOptions(flatten=False), False),
    "vitrine": (OcrOptions(), True),
    "noflat": (OcrOptions(flatten=False), True),
    "nomask": (OcrOptions(), False),
    "paint": (OcrOptions(pictures="paint"), True),
    "eng+fra": (OcrOptions(languages="eng+fra"), True),
    "psm4": (OcrOptions(psm=4), True),
    "scale2": (OcrOptions(scale=2.0), True),
}


@dataclass
class ConfigResult:
    name: str
    cer: float
    wer: float
    pages: int
    chars: int
    cpu_s: float
    wall_s: float
    pages_per_s_per_core: float
    per_page_cer: dict[str, float] = field(default_factory=dict)

    @property
    def median_page_cer(self) -> float:
        return statistics.median(self.per_page_cer.values()) if self.per_page_cer else 0.0


@dataclass
class Report:
    labels: str
    set: str
    pages: int
    results: list[ConfigResult]


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_config(name: str, pages: list[tuple[str, Path, str]]) -> ConfigResult:
    from PIL import Image

    options, mask = CONFIGS[name]
    total = Errors(0, 0, 0, 0)
    per_page = {}
    cpu0, wall0 = _cpu(), time.perf_counter()
    for page_name, image_path, truth in pages:
        with Image.open(image_path) as image:
            read = read_page(image, options, pictures=None if mask else [])
        page_errors = errors(truth, read.text)
        per_page[page_name] = round(page_errors.cer, 4)
        total += page_errors
    cpu, wall = _cpu() - cpu0, time.perf_counter() - wall0
    return ConfigResult(name, round(total.cer, 4), round(total.wer, 4), len(pages), total.chars,
                        round(cpu, 2), round(wall, 2), round(len(pages) / cpu, 3) if cpu else 0.0, per_page)


def load_pages(labels: Path, pages: Path) -> list[tuple[str, Path, str]]:
    out = []
    for truth in sorted(labels.glob("*.txt")):
        image = pages / f"{truth.stem}.jpg"
        if not image.is_file():
            raise SystemExit(f"{truth}: no page image {image}")
        out.append((truth.stem, image, truth.read_text(encoding="utf-8")))
    if not out:
        raise SystemExit(f"no transcriptions (*.txt) in {labels}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench ocr", description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--set", choices=("reported", "tuning"), default="reported")
    parser.add_argument("--configs", default="plain,vitrine")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    names = [c for c in args.configs.split(",") if c]
    check_choices(parser, "configs", names, list(CONFIGS))
    if not args.pages.is_dir():
        parser.error(f"{args.pages} not found; pass --pages the chapbook pages folder")
    labels = args.labels / "tuning" if args.set == "tuning" else args.labels
    pages = load_pages(labels, args.pages)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    results = [run_config(name, pages) for name in names]
    report = Report(str(labels), args.set, len(pages), results)
    emit(report, _table(report), args.json)
    return 0


def _table(report: Report) -> str:
    lines = [f"OCR on {report.pages} hand-transcribed chapbook pages ({report.set}: {report.labels})",
             f"{'config':<10} {'CER':>7} {'WER':>7} {'median page CER':>16} {'chars':>6} {'cpu s':>7}"
             f" {'wall s':>7} {'pages/s/core':>13}"]
    for r in report.results:
        lines.append(f"{r.name:<10} {r.cer:>7.3f} {r.wer:>7.3f} {r.median_page_cer:>16.3f} {r.chars:>6}"
                     f" {r.cpu_s:>7.1f} {r.wall_s:>7.1f}"
                     f" {r.pages_per_s_per_core:>13.2f}")
    return "\n".join(lines)
