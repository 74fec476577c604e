"""The dukcapil service: Kependudukan dan Pencatatan Sipil."""
