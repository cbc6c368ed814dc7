// Placeholder: the explorer's script (issue 13) replaces this file.
"use strict";
