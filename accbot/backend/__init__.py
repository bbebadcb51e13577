"""What the ACC and SAS clients share, below both of them.

``errors``  the typed error tree every caller catches
``secrets`` the one scrubber that keeps configured secrets out of messages and logs
``paths``   endpoint templates and the id checks that keep a path segment a segment
``retry``   which requests may be sent again, and how long to wait in between
``transport`` one HTTP layer: retries, byte limits, metrics labels, typed failures
"""
