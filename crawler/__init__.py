"""Crawler stage: the Scrapy project that fills the store."""
