

def helper(x):
    return x.view(x.size(0), -1)
