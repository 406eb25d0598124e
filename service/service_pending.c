/* pt_service_main (service.h) for a platform whose `service` command is not
 * built yet: says so and exits 2. Removed once both platforms have their
 * own files (service/CMakeLists.txt). */
#include "service.h"

int pt_service_main(int argc, char **argv, FILE *out, FILE *err)
{
  (void)argc;
  (void)argv;
  (void)out;
  fprintf(err, "error: 'service' is not built into this version yet "
          "(issue #10); run 'parseltongue serve' in the foreground\n");
  return 2;
}
