"""Where samples come from and how they become network inputs: the one `DepthSource` interface and
the torch dataset over it (`datasets`: data source specs, concatenation, the synthetic arrays and
on-the-fly scenes), the real-data sources (`sources`: NYU Depth v2, a folder of RGB + depth PNGs;
`matfile` reads NYU's MATLAB files), the paper's preparation and augmentation (`augment`), and the
real-photo evaluation set (`photo_set`: evaluation only, never trained on)."""
