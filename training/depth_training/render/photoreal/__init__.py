"""Photoreal indoor frames for training: rooms furnished with Sweet Home 3D's catalog models
(real furniture, people, doors and windows with photographic textures), lit by sky, sun and
lamps, rendered by Blender's Cycles path tracer with exact metric depth, then passed through a
camera model (denoise, exposure, white balance, vignetting, blur, noise, JPEG).

Modules: `catalog` (the asset packages: models, textures, credits, the asset-level split),
`layout` (floor plans, furniture placement, lights: plain Python, shared with Blender),
`blender_room` (runs inside Blender: builds and renders rooms), `camera_effects` (numpy
post-processing), `generate` (the command line: parallel, resumable, writes `folder:` data)."""
