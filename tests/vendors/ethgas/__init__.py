"""The ethgas vendor folder's tests: wsconform/vendors/ethgas/."""
