"""The paradex vendor folder's tests: wsconform/vendors/paradex/."""
