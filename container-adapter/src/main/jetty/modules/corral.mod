# Ships in corral-jetty-module.zip: unzip it into a jetty-base, then --add-modules=corral.

[description]
Enables Corral's clear-text HTTP/1.1 connector in place of Jetty's ServerConnector.
Corral owns the socket, the HTTP/1.1 parsing and writing, one virtual thread per connection and a
new virtual thread per request; requests still reach Jetty's handlers, servlets and WebSocket
endpoints unchanged. It provides "http", so it cannot run beside the stock http module by accident,
and its connector has the id "httpConnector" like the stock one. For h2c (HTTP/2 without TLS,
by prior knowledge and by Upgrade) beside HTTP/1.1 on the same port, add jetty-home's stock
http2c module: --add-modules=corral,http2c. Its jetty.http2c.* properties apply to Corral's own
HTTP/2 (see the README's "Migrate from ServerConnector").

[tags]
connector
http
corral

[depend]
server

[provides]
http

[lib]
lib/corral/*.jar

[xml]
etc/jetty-corral.xml

[ini-template]
# tag::documentation[]
### Corral HTTP/1.1 Connector Configuration
## Property names are the stock http module's where the meaning is the same, so settings carry
## over from a start.d/http.ini; Corral's own are named jetty.corral.*. Request header size,
## output buffer size and persistent connections are read from the shared HTTP configuration
## (jetty.httpConfig.* in start.d/server.ini), as the stock connector does.

## The host/address to bind the connector to (unset binds every interface).
# jetty.http.host=0.0.0.0

## The port the connector listens on (0 picks a free ephemeral port).
# jetty.http.port=8080

## The connector idle timeout, in milliseconds: how long a connection may wait for its next
## request, or for any byte while a request or response is in flight. It also bounds how long
## a request head may take to arrive (slow clients get 408). 0 or less waits forever.
# jetty.http.idleTimeout=30000

## The number of acceptors, each a platform thread blocking in accept() (0 or less picks
## Corral's default, 2, so the stock module's -1 carries over).
# jetty.http.acceptors=2

## The listen(2) accept queue backlog (0 picks Corral's default: as deep as the kernel allows,
## net.core.somaxconn, at least 1024). While the connection limit is reached, new connections
## wait here, in the kernel, instead of being refused; what does not fit is dropped by the kernel.
# jetty.http.acceptQueueSize=0

## The maximum number of connections open at once. The default is sized at start from the
## process's file-descriptor limit and heap: 9/10 of (descriptors - 256), at most one per 64 KiB
## of max heap, at least 1024. At the limit the connection idle longest gives way to a new client
## (see evictIdleAtLimit); when none may, the acceptors pause until a connection ends. Can be
## changed live over JMX.
# jetty.corral.maxConnections=

## At maxConnections, admit a new client by closing the connection that has waited longest for
## a request to begin (idle keep-alive, or a request head still arriving); never a request in
## progress, never a WebSocket. false leaves new clients in the accept backlog instead.
## Can be changed live over JMX.
# jetty.corral.evictIdleAtLimit=true

## The minimum request-body rate, in bytes per second from the body's first byte, while
## jetty.httpConfig.minRequestDataRate is 0 (the default) and the connector holds 9/10 of
## maxConnections or more: a body trickled to hold a slot then ends with 408 and its slot goes to
## a new client (default 1024; 0 = never, as the stock connector).
# jetty.corral.minRequestDataRateNearFull=1024

## The most connections one client address may hold at once (default 0 = no cap). The newest
## connection over the cap is closed at once, counted (JMX connectionsOverSourceCap) and logged
## once a minute at most. Mind clients behind one NAT or proxy when you set it.
# jetty.corral.maxConnectionsPerSource=0

## Whether to enable the SO_REUSEADDR socket option on the listening socket.
# jetty.http.reuseAddress=true

## Whether to enable the SO_REUSEPORT socket option on the listening socket (where the platform
## has none, a WARN at start says so and the connector binds without it).
# jetty.http.reusePort=false

## Listening sockets bound to the port with SO_REUSEPORT, each with its own acceptors (Ranch's
## num_listen_sockets): the kernel spreads new connections over them, so acceptors do not contend
## on one accept queue under heavy connection churn. There are at least as many acceptors as
## sockets (default 1).
# jetty.corral.listenSockets=1

## Listen on the socket the process inherited on its standard input (a systemd socket unit with
## StandardInput=socket, inetd "wait") instead of binding host and port, as ServerConnector's
## inheritChannel does. With none inherited, a WARN says so and host and port are bound.
# jetty.corral.inheritChannel=false

## Whether to enable the TCP_NODELAY socket option on accepted sockets.
# jetty.http.acceptedTcpNoDelay=true

## The SO_RCVBUF socket option to set on accepted sockets (-1: the platform default).
# jetty.http.acceptedReceiveBufferSize=-1

## The SO_SNDBUF socket option to set on accepted sockets (-1: the platform default).
# jetty.http.acceptedSendBufferSize=-1

## Not used by Corral, accepted so a stock start.d/http.ini carries over; when set, one WARN at
## start names them. jetty.http.selectors: Corral has no selectors (each connection blocks on a
## virtual thread of its own). jetty.http.acceptorPriorityDelta: Corral's acceptors keep normal
## priority; they only accept and hand each connection to a new virtual thread.
# jetty.http.selectors=-1
# jetty.http.acceptorPriorityDelta=0

## The largest request body accepted, in bytes (default 10485760 = 10 MiB; -1 = no limit).
## Larger bodies get 413 and the connection closes; an announced Content-Length over it is
## refused before the body is read, and instead of a "100 Continue". Raise it for big uploads.
# jetty.corral.maxBodySize=10485760

## How long a request head may take from its first byte to its last, in milliseconds, however
## slowly its bytes trickle in (slowloris); past it the client gets 408 (default -1 = the idle
## timeout above).
# jetty.corral.headerTimeout=-1

## The most header fields in a request head, or in its trailers; more gets 431 (default 100).
# jetty.corral.maxHeaderCount=100

## The longest request-target (path and query) in bytes; longer gets 414 (default -1 = the
## request header size, jetty.httpConfig.requestHeaderSize, 8192 unless changed).
# jetty.corral.maxRequestTargetLength=-1

## Requests one connection may carry before it is closed (default 0 = unlimited).
# jetty.corral.maxRequestsPerConnection=0

## Bytes of a request body the application left unread that are read and dropped to keep the
## connection alive; a larger rest closes the connection (default 65536).
# jetty.corral.maxUnreadBodyToDiscard=65536

## How long a stop waits, in milliseconds, for connection threads to end after their sockets are
## closed (default 5000). The grace period for requests in flight is jetty.server.stopTimeout.
# jetty.corral.shutdownTimeout=5000

## The most frames a WebSocket session may have queued for sending (asynchronous sends to a
## client that reads slowly): bounds what one slow reader can hold; a send past it fails at once
## (default 256). Sessions that set Jetty's own maxOutgoingFrames keep theirs.
# jetty.corral.websocket.maxQueuedFrames=256

## How long, in milliseconds, WebSocket sessions carry on once a drain or a graceful stop begins
## before they are closed with 1001 "going away" (clients then reconnect elsewhere); default
## 1000, 0 = at once. Can be changed live over JMX (webSocketDrainGrace).
# jetty.corral.websocket.drainGrace=1000

## The most pings and pongs a WebSocket client may send in each one-second window; one more
## closes its session with 1008 (policy violation). 0 = no limit, as the stock connector
## (default 100).
# jetty.corral.websocket.maxControlFramesPerSecond=100

## How long, in milliseconds, an idle connection (keep-alive between requests, a quiet WebSocket)
## keeps its thread before it hibernates: gives up its thread, stack, input buffer and Jetty's
## per-request objects until bytes arrive (default 1000; 0 = as soon as nothing is to be read).
# jetty.corral.hibernateAfter=1000
## PROXY protocol in front of each connection (HAProxy's send-proxy or send-proxy-v2; versions 1
## and 2 are told apart by themselves): the servlet then sees the client's address and port, not
## the proxy's. off (default); required: every connection must begin with a header, one without
## or with a malformed one is closed (counted over JMX, a WARN at most every 10 s) - the mode for
## a port only the proxy can reach; optional: a header is read when there is one. optional is
## unsafe on a port clients can reach directly: any client can send a header and claim any address.
# jetty.corral.proxyProtocol=off

## How long the whole PROXY header may take to arrive after accept, in milliseconds, however it
## trickles in; past it the connection closes (default 5000).
# jetty.corral.proxyHeaderTimeout=5000

## Whether a PROXY v2 header saying the client spoke TLS to the proxy (PP2_CLIENT_SSL) makes the
## request secure: https scheme, isSecure() true. Only when the proxy terminates TLS and nothing
## else can reach this port (default false).
# jetty.corral.proxyTrustSsl=false
# end::documentation[]
