-- callout 0.3.0 -> 0.4.0. After it, the catalog equals a fresh install's (the upgrade suite
-- compares the two).
\echo Use "ALTER EXTENSION callout UPDATE TO '0.4.0'" to load this file. \quit
