/* aem doctor: report rendering (text for people, JSON for tools and tests). */
#ifndef AEM_DOCTOR_OUT_H
#define AEM_DOCTOR_OUT_H

#include "doctor.h"

#include <stdio.h>

void aem_doctor_print_text(FILE *f, const struct aem_doctor *d);
/* JSON keys are documented in docs/doctor.md. */
void aem_doctor_print_json(FILE *f, const struct aem_doctor *d);

#endif
