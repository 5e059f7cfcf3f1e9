"""The HTTP edge shared by the API and the web page: app factory, auth, errors, limits."""
