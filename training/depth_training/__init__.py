"""depth_training: the reference PyTorch model of Eigen, Puhrsch & Fergus (NIPS 2014), its
training pipeline, and the exporter to the safetensors contract the Swift engine reads."""
