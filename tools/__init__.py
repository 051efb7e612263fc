"""Developer tools, never shipped in the Lambda: local/ (the local stack), deploy/ (the template and the
package), bench/ (benchmarks and load); portal.py is the portal's edge, shared by the local front and
CloudFront."""
