// SwiftPM needs one source file per C target; the header is all Crest uses.
#include "CEpoll.h"
