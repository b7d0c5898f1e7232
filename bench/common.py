"""What every benchmark shares: timing, medians, the synthetic databases, the machine."""
from __future__ import annotations

import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def synthetic_database(workdir: Path, activities: int, seed: int = 7) -> Path:
    """The synthetic database of ``activities`` activities, generated once per workdir."""
    from data_layer import synth

    path = workdir / f"sintetica_{activities}_{seed}.duckdb"
    marker = path.with_suffix(".ok")
    if not (path.exists() and marker.exists() and marker.read_text() == synth.LAYOUT):
        marker.unlink(missing_ok=True)
        synth.write_database(path, activities, seed=seed)
        marker.write_text(synth.LAYOUT)
    else:  # written under other derivation rules: stored again, as a write would
        from data_layer import store

        store.store_derived_if_outdated(path)
    return path


@contextlib.contextmanager
def environ(**values: str) -> Iterator[None]:
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    info: dict[str, object] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(OSError):
        info["load_average_1m"] = os.getloadavg()[0]
    from importlib import metadata

    versions = {}
    for package in ("duckdb", "pandas", "streamlit", "openpyxl", "python-calamine", "pyarrow",
                    "playwright"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    info["versions"] = versions
    return info


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS), in MB (10^6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) * 1024 / 1e6, 1)
    raise RuntimeError(f"no VmRSS for {pid}")


def git_revision() -> str | None:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    return None
