"""The public site's own data: the public projection of published results (what the site, the
search, the enterprise pages and the open data read) and the objections of inspected businesses.
Services in `publication.site.services`; the pages in `publication.views`."""
