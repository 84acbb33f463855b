"""The renderers that make training frames with exact metric depth: `synthetic` (procedural rooms
of boxes and cylinders, analytic ray casting in numpy, fast enough to render on the fly) and
`photoreal` (rooms of real furniture models path-traced by Blender's Cycles, through a camera
model). Each writes a format that `depth_training.data` reads: `synthetic:DIR` arrays
(`synthetic.generate`), `folder:DIR` images (`photoreal.generate`)."""
