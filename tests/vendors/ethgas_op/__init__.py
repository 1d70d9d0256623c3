"""The ethgas_op vendor folder's tests: wsconform/vendors/ethgas_op/."""
