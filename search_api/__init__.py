"""search_api: the clerk web app, the JSON API and the search index backends.

Public surface::

    create_app(settings=None, test_config=None) -> Flask   # app factory
    serve(settings, host="127.0.0.1", port=8000)            # granian workers + index follower
    auth.create_user(settings, username, password, role) -> User
    auth.current_user() -> User | None, auth.requires_role(*roles), auth.public
    search.get_backend(settings) -> SearchBackend, search.feed.sync_index(archive, backend)
"""

from search_api.app import Services, create_app, serve, services_of

__all__ = ["Services", "create_app", "serve", "services_of"]
