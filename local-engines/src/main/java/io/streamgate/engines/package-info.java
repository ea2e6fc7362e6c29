/**
 * Redis and PostgreSQL from the system's packages as child processes on free loopback ports, each in its own
 * temporary directory, removed on close: one launcher shared by the gateway's tests (through their JUnit-aware
 * wrappers in {@code io.streamgate.gateway.testing}) and the load harness's {@code --shared-state} pass.
 */
package io.streamgate.engines;
