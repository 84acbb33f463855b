"""Writes the benchmarks' photo: matplotlib's grace_hopper.jpg (a real photograph that ships with
matplotlib) as a 640x480 JPEG at quality 90. Used by bench-server.sh, bench-layouts.sh and
bench-codecs.sh, so that every figure they print is for the same upload."""
import sys
from pathlib import Path

import matplotlib
from PIL import Image

sample = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
Image.open(sample).convert("RGB").resize((640, 480), Image.Resampling.LANCZOS).save(sys.argv[1], quality=90)
