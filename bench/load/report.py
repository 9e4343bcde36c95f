"""The load run's report, from the ledger's CSV files (bench.load.ledger): printed, and saved as
live-summary.csv and live.png beside them.

    .venv/bin/python -m bench.load.report test-artifacts/bench/raw

Per phase: deliveries expected and missed; delivery time (assignment sent -> event read by the device)
for phones whose stream was open when it was sent (p50/p90/p99/max), and for phones that were away
(their stream was opened again after it was sent) the time from reopening to the event; the API
probe's p95 and its ratio to the small phase's; reconnects per minute; server memory (RSS) when the
runner sampled it (memory.csv: a local stack).
"""

import csv
import sys
from pathlib import Path

from bench.stack import percentile

PHASES = ("small", "full", "burst", "host-stop")


def _rows(path: Path):
    if not path.exists():
        return []
    with open(path, newline="") as source:
        return list(csv.DictReader(source))


def summarize(folder: Path) -> list[dict]:
    phases = {row["phase"]: (float(row["started"]), float(row["ended"])) for row in _rows(folder / "phases.csv")}
    deliveries, connects = _rows(folder / "deliveries.csv"), _rows(folder / "connects.csv")
    api, memory = _rows(folder / "api.csv"), _rows(folder / "memory.csv")
    summary = []
    for phase in PHASES:
        if phase not in phases:
            continue
        started, ended = phases[phase]
        mine = [row for row in deliveries if row["phase"] == phase]
        live, after_answer, away = [], [], []
        for row in mine:
            if row["how"] == "missed":
                continue
            sent, got, opened = float(row["sent_at"]), float(row["received_at"]), float(row["stream_requested_at"])
            if opened <= sent:
                live.append(got - sent)
                if row["answered_at"]:
                    after_answer.append(max(0.0, got - float(row["answered_at"])))
            else:
                away.append(got - opened)
        probes = [float(row["seconds"]) for row in api if row["phase"] == phase and row["status"] == "200"]
        failed = sum(1 for row in api if row["phase"] == phase and row["status"] != "200")
        reconnects = sum(1 for row in connects if row["phase"] == phase and row["resumed"] == "1")
        rss = [float(row["rss_mib"]) for row in memory if row["phase"] == phase]
        devices = len({row["device"] for row in connects if float(row["hello_at"]) <= ended})
        summary.append({
            "phase": phase, "devices": devices, "seconds": round(ended - started, 1), "expected": len(mine),
            "missed": sum(1 for row in mine if row["how"] == "missed"), "live": len(live),
            "p50": percentile(live, 0.5), "p90": percentile(live, 0.9), "p99": percentile(live, 0.99),
            "max": max(live, default=float("nan")), "p99_after_answer": percentile(after_answer, 0.99),
            "resumed": len(away), "resume_p99": percentile(away, 0.99),
            "resume_max": max(away, default=float("nan")), "api_p95_ms": percentile(probes, 0.95) * 1000,
            "api_failed": failed, "reconnects_per_min": reconnects / max(ended - started, 1e-9) * 60,
            "rss_mib": max(rss, default=float("nan"))})
    small = next((row["api_p95_ms"] for row in summary if row["phase"] == "small"), float("nan"))
    for row in summary:
        row["api_ratio"] = row["api_p95_ms"] / small if small else float("nan")
    return summary


def show(summary: list[dict], latencies: dict | None = None) -> None:
    print(f"{'phase':<10}{'devices':>8}{'expected':>9}{'missed':>7}{'p50 s':>7}{'p90 s':>7}{'p99 s':>7}{'max s':>7}"
          f"{'p99ans':>7}{'resumed':>8}{'res p99':>8}{'API p95':>9}{'ratio':>6}{'recon/min':>10}{'RSS MiB':>8}")
    for r in summary:
        print(f"{r['phase']:<10}{r['devices']:>8}{r['expected']:>9}{r['missed']:>7}{r['p50']:>7.3f}{r['p90']:>7.3f}"
              f"{r['p99']:>7.3f}{r['max']:>7.3f}{r['p99_after_answer']:>7.3f}{r['resumed']:>8}{r['resume_p99']:>8.3f}{r['api_p95_ms']:>7.1f}ms"
              f"{r['api_ratio']:>6.2f}{r['reconnects_per_min']:>10.0f}{r['rss_mib']:>8.0f}")
    print("delivery p50..max: assign request sent -> event read by a phone whose stream was open (the commit is "
          "inside that request: an upper bound); p99ans: from the assign's answer (a lower bound); res p99: phones "
          "that were away, stream reopened -> event; ratio: API p95 / the small phase's, same run")


def save(summary: list[dict], folder: Path, title: str) -> tuple[Path, Path]:
    out = folder.parent
    table = out / "live-summary.csv"
    with open(table, "w", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(summary[0]))
        writer.writeheader()
        for row in summary:
            writer.writerow({key: round(value, 4) if isinstance(value, float) else value for key, value in row.items()})
    chart = out / "live.png"
    _chart(summary, folder, chart, title)
    return table, chart


def _chart(summary, folder: Path, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    deliveries = _rows(folder / "deliveries.csv")
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for row in summary:
        times = sorted(float(d["received_at"]) - float(d["sent_at"]) for d in deliveries
                       if d["phase"] == row["phase"] and d["how"] != "missed"
                       and float(d["stream_requested_at"]) <= float(d["sent_at"]))
        if times:
            left.plot(times, [(i + 1) / len(times) for i in range(len(times))],
                      label=f"{row['phase']} ({row['devices']} devices)")
    left.axvline(1.0, color="grey", linestyle=":", linewidth=1)
    left.set(xlabel="delivery time, s (assignment sent -> event on the phone)", ylabel="share delivered",
             title="Delivery to connected phones")
    left.legend(fontsize=8)
    names = [row["phase"] for row in summary]
    right.bar(names, [row["api_p95_ms"] for row in summary], color="#4a78a8")
    for position, row in enumerate(summary):
        right.annotate(f"{row['api_ratio']:.2f}x", (position, row["api_p95_ms"]), ha="center", va="bottom", fontsize=8)
    right.set(ylabel="API p95, ms", title="Ordinary API request (ratio to the small phase)")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0] if argv else "test-artifacts/bench/raw")
    summary = summarize(folder)
    show(summary)
    table, chart = save(summary, folder, "fieldapp live load")
    print(f"saved {table} and {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
