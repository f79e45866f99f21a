"""The symposium brief (issue #18 part 4): HTML from a Jinja2 template, inline SVG charts and a
choropleth map, and PDF through WeasyPrint with an embedded CJK font."""
