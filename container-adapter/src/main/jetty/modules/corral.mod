# Ships in corral-jetty-module.zip: unzip it into a jetty-base, then --add-modules=corral.

[description]
Enables Corral's clear-text HTTP/1.1 connector in place of Jetty's ServerConnector.
Corral owns the socket, the HTTP/1.1 parsing and writing, one virtual thread per connection and a
new virtual thread per request; requests still reach Jetty's handlers, servlets and WebSocket
endpoints unchanged. It provides "http", so it cannot run beside the stock http module by accident,
and its connector has the id "httpConnector" like the stock one.

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

## The listen(2) accept queue backlog (0 picks Corral's default, 1024). While the connection
## limit is reached, new connections wait here, in the kernel, instead of being refused.
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
# end::documentation[]
