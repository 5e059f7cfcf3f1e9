"""The advisors' web page, served by the API at /."""
