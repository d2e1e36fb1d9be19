#include "controller/Cli.hpp"

#include <iostream>

int main(int argc, char** argv) { return stillroom::controller::run_cli(argc, argv, std::cout, std::cerr); }
