//! The virtual machine: values, heap and garbage collector, interpreter, coroutines.
