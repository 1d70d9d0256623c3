"""Each vendor's own tests (its mock, its schemas, its protocol core), beside each other."""
