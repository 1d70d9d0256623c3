"""The zenith vendor folder's tests: wsconform/vendors/zenith/."""
