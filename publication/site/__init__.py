"""The public site: its pages, services, selectors, page cache and open data. Its tables (the
public projection of published results, which the site, the search, the enterprise pages and the
open data read, and the objections of inspected businesses) are models of the `publication` app
(publication/models.py, migration 0005)."""
