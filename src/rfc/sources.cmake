# The rfc layer: the 2010 names over one default system (include/vcm/rfc.h).
# Hosted only: the default system lives in memfd memory.
set(VCM_RFC_SOURCES rfc_soc.c rfc.c)
set(VCM_RFC_DEPS soc graph hosted phys)
