// Placeholder: the real command line comes with issue 2.
print("depthd")
