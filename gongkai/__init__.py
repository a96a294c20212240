"""gongkai: audit Chinese government websites for 政务公开 compliance."""

__version__ = "0.1.0"
