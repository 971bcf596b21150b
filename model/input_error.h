/// \file
/// InputError, InternalError and RSEQCHECK_CHECK now live in util/input_error.h, below the
/// model, so that util/ (output files) can throw them too. Kept so the model's includers
/// (and work in flight on other branches) need no edit.
#pragma once

#include "util/input_error.h"
