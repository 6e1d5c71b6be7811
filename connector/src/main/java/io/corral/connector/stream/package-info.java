/**
 * The protocol-neutral stream layer (Cowboy's {@code cowboy_stream}): one request and its response, whatever
 * carried them. {@link io.corral.connector.stream.HttpExchange} is what a {@link
 * io.corral.connector.stream.HttpHandler} gets — its {@link io.corral.connector.stream.RequestHead}, {@link
 * io.corral.connector.stream.RequestBody} and {@link io.corral.connector.stream.HttpResponse} — from HTTP/1.1
 * ({@code http1.Http1Exchange}) and from HTTP/2 ({@code http2.Http2Stream}) alike, so the native handler API and
 * the Jetty adapter have one code path for both. Each exchange runs on a virtual thread of its own, never reused.
 */
package io.corral.connector.stream;
