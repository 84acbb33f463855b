"""``python -m depth_training.render.synthetic``."""
from . import main

main()
