import torch

# One intra-op thread: the shapes are tiny, and on a busy 2-core CI machine thread hand-offs
# cost more than they save.
torch.set_num_threads(1)
