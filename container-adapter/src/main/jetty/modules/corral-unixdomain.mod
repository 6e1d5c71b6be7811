# Ships in corral-jetty-module.zip beside corral.mod: --add-modules=corral-unixdomain.

[description]
Enables Corral's clear-text HTTP/1.1 connector on a Unix domain socket, in place of Jetty's
unixdomain-http module (UnixDomainServerConnector): for a local proxy (nginx, HAProxy, an Envoy
sidecar) in front of Jetty. Same engine as the corral module: one virtual thread per connection,
a new one per request, WebSocket unchanged. The socket file is removed when the connector stops;
a stale file left by a process that died is replaced; a path a live process serves, or one that is
not a socket, fails the start naming it. Property names are the unixdomain-http module's.

[tags]
connector
unixdomain
corral

[depend]
server

[provides]
unixdomain-http

[lib]
lib/corral/*.jar

[xml]
etc/jetty-corral-unixdomain.xml

[ini-template]
# tag::documentation[]
### Corral Unix domain connector configuration

## The Unix domain path the connector listens on (its directory must exist and be writable).
# jetty.unixdomain.path=/tmp/jetty.sock

## The number of acceptors, each a platform thread blocking in accept() (0 or less picks
## Corral's default, 2).
# jetty.unixdomain.acceptors=1

## Not used by Corral (it has no selectors); accepted so a stock unixdomain-http.ini carries
## over, and named in one WARN at start when set.
# jetty.unixdomain.selectors=-1

## The listen(2) accept queue backlog (0 picks Corral's default, 1024).
# jetty.unixdomain.acceptQueueSize=0

## The SO_RCVBUF option for accepted sockets (0 picks the platform default).
# jetty.unixdomain.acceptedReceiveBufferSize=0

## The SO_SNDBUF option for accepted sockets (0 picks the platform default).
# jetty.unixdomain.acceptedSendBufferSize=0

## The connector idle timeout, in milliseconds (see the corral module).
# jetty.unixdomain.idleTimeout=30000

## The largest request body accepted, in bytes (default 10485760 = 10 MiB; -1 = no limit),
## shared with the corral module.
# jetty.corral.maxBodySize=10485760
# end::documentation[]
