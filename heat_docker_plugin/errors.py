"""The error every property check raises: it names the property a template must fix."""


class PropertyError(ValueError):
    """A property value the template must fix."""

    def __init__(self, prop, message):
        super().__init__(f"{prop}: {message}")
        self.prop = prop
        self.message = message
