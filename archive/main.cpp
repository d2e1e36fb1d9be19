#include "archive/ArchiveCli.hpp"

#include <iostream>

int main(int argc, char** argv) { return stillroom::archive::run_archive_cli(argc, argv, std::cout, std::cerr); }
