# Ships in corral-jetty-module.zip beside corral.mod: --add-modules=corral,corral-https serves HTTP and HTTPS.

[description]
Enables Corral's HTTPS connector (HTTP/1.1 over TLS) in place of the stock ssl and https modules.
TLS is configured by the stock ssl-context module (keystore, passwords, protocols, cipher suites,
client authentication: the jetty.sslContext.* properties), exactly as for Jetty's own connector,
so an existing start.d/ssl-context.ini carries over, and the stock ssl-reload module reloads a
renewed keystore without restarting the listener. Corral does the TLS itself (the JDK's SSLEngine
on the connection's own virtual thread); requests reach Jetty's handlers, servlets and WebSocket
endpoints (wss) unchanged. It depends on ssl-context, not on ssl, which would open a stock
ServerConnector beside it; its connector has the id "sslConnector" like the stock one.
HTTP/2 (h2 by ALPN): add the stock http2 module (--add-modules=corral-https,http2), which
brings the stock alpn module; this module provides "ssl" for them, so they configure Corral's
connector as they would the stock one (jetty.http2.* and jetty.alpn.* properties), and
Corral serves h2 with its own HTTP/2.

[tags]
connector
https
ssl
corral

[depend]
ssl-context
server

[provides]
https
ssl

[lib]
lib/corral/*.jar

[xml]
etc/jetty-corral-https.xml

[ini-template]
# tag::documentation[]
### Corral HTTPS Connector Configuration
## Property names are the stock ssl module's where the meaning is the same, so settings carry over
## from a start.d/ssl.ini. The keystore and TLS parameters are the ssl-context module's
## (jetty.sslContext.* in start.d/ssl-context.ini). Corral's engine limits and timeouts are the
## jetty.corral.* properties documented in corral.mod; set there (or on the command line), they
## apply to this connector as well.

## The host/address to bind the connector to (unset binds every interface).
# jetty.ssl.host=0.0.0.0

## The port the connector listens on (0 picks a free ephemeral port).
# jetty.ssl.port=8443

## The connector idle timeout, in milliseconds: how long a connection may wait for its next
## request, or for any byte while a request or response is in flight. 0 or less waits forever.
# jetty.ssl.idleTimeout=30000

## How long a TLS handshake may take from accept to its end, in milliseconds, however slowly the
## client sends its bytes; past it the connection is closed and counted as a failed handshake
## (default -1 = the idle timeout above).
# jetty.ssl.handshakeTimeout=-1

## The number of acceptors, each a platform thread blocking in accept() (0 or less picks
## Corral's default, 2, so the stock module's -1 carries over).
# jetty.ssl.acceptors=2

## The listen(2) accept queue backlog (0 picks Corral's default, 1024).
# jetty.ssl.acceptQueueSize=0

## Whether to enable the SO_REUSEADDR socket option on the listening socket.
# jetty.ssl.reuseAddress=true

## Whether to enable the SO_REUSEPORT socket option on the listening socket.
# jetty.ssl.reusePort=false

## Whether to enable the TCP_NODELAY socket option on accepted sockets.
# jetty.ssl.acceptedTcpNoDelay=true

## The SO_RCVBUF socket option to set on accepted sockets (-1: the platform default).
# jetty.ssl.acceptedReceiveBufferSize=-1

## The SO_SNDBUF socket option to set on accepted sockets (-1: the platform default).
# jetty.ssl.acceptedSendBufferSize=-1

## Not used by Corral, accepted so a stock start.d/ssl.ini carries over; when set, one WARN at
## start names them (see corral.mod).
# jetty.ssl.selectors=-1
# jetty.ssl.acceptorPriorityDelta=0

## Whether client SNI data is required for all secure connections.
## When SNI is required, clients that do not send SNI data are rejected with an HTTP 400 response.
# jetty.ssl.sniRequired=false

## Whether client SNI data is checked to match CN and SAN in server certificates.
## When SNI is checked, if the match fails the connection is rejected with an HTTP 400 response.
# jetty.ssl.sniHostCheck=true

## The max age, in seconds, for the Strict-Transport-Security response header (-1: no header).
# jetty.ssl.stsMaxAgeSeconds=-1

## Whether to include the subdomain property in any Strict-Transport-Security header.
# jetty.ssl.stsIncludeSubdomains=false
# end::documentation[]
