/**
 * HPACK (RFC 7541), Corral's own: the header compression of HTTP/2. {@link io.corral.connector.http2.hpack.HpackDecoder}
 * turns a complete field block into fields with every limit a peer could abuse bounded (the decoded list size
 * against HPACK bombs, the string length, the dynamic table size it may ask for), and
 * {@link io.corral.connector.http2.hpack.HpackEncoder} writes fields with the static and a bounded dynamic
 * table and Huffman coding. One decoder and one encoder per connection; neither is thread-safe.
 */
package io.corral.connector.http2.hpack;
