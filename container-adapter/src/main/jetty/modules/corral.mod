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
## The property names are the stock http module's where the meaning is the same, so an existing
## start.d/http.ini carries over; Corral's own settings are named jetty.corral.*.

## The host/address to bind the connector to (unset binds every interface).
# jetty.http.host=0.0.0.0

## The port the connector listens on (0 picks a free ephemeral port).
# jetty.http.port=8080

## The connector idle timeout, in milliseconds: how long a connection may wait for the first byte
## of its next request, or for any byte while a request or response is in flight.
# jetty.http.idleTimeout=30000

## The number of acceptor threads blocking in accept() (virtual threads; 1 is plenty for most loads).
# jetty.http.acceptors=1

## The listen(2) accept queue backlog (0 picks the platform default). While the connection limit
## is reached, new connections wait here, in the kernel, rather than being refused early.
# jetty.http.acceptQueueSize=0

## The maximum number of concurrently open connections; acceptors pause while it is reached.
# jetty.corral.maxConnections=10000
# end::documentation[]
