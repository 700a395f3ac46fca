# dns-gazer in a container, as the original image (mztn/dns-gazer) ran it:
#
#   docker build -t dns-gazer .
#   docker run --net=host -e DEVICE=eth0 -e FLUENTD_ADDRESS=localhost:24224 dns-gazer
#
# DEVICE becomes -i and FLUENTD_ADDRESS -f; arguments after the image name
# are passed on (docker run ... dns-gazer -R -t -).  --net=host lets it see
# the host's interfaces.  The first stage builds the Debian package from
# this tree, the second installs it on Debian slim, so the image holds what
# apt users get.

FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential debhelper \
      autoconf automake pkg-config libpcap-dev libmsgpack-dev libcjson-dev check \
      libssl-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build/dns-gazer
COPY . .
RUN DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b

FROM debian:bookworm-slim
COPY --from=build /build/dns-gazer_*.deb /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/dns-gazer_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/dns-gazer_*.deb
ENTRYPOINT ["/usr/libexec/dns-gazer/dns-gazer-env"]
