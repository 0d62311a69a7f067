//! Dates: parsing front-matter dates in the site time zone and formatting them for feeds.
