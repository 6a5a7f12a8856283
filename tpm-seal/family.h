/* The two TPM families aem speaks, named once for every room (the sealed
 * format, the TPM backends, the launch model's PCR rules). */
#ifndef AEM_FAMILY_H
#define AEM_FAMILY_H

enum aem_family { AEM_FAMILY_TPM12 = 1, AEM_FAMILY_TPM20 = 2 };

#endif
