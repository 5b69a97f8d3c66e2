"""County Express (县域快递平台): a county's express-delivery plan as working software."""

__version__ = "0.1.0"
