"""The read layer: the queries behind the daily screens and the partner API.

Each function takes a queryset already scoped to what the reader may see
(``homeward.access.visible``) and returns what a page or an API answer shows, so the
pages and the API cannot disagree. Nothing here changes a record.
"""
