"""Open data downloads at /du-lieu/: the units, the former → new succession, the service
points and the published procedure catalogue as CSV and JSON (the catalogue also as Open
Referral HSDS 3.0), rebuilt by a nightly job into DOWNLOADS_ROOT and served as files."""
