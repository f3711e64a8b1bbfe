/** The taxii module's public entry: what other modules (and the composition root) may use. */
export { TaxiiApiModule, TaxiiModule, TaxiiWorkerModule } from './taxii.module';
export { TaxiiPublisher } from './taxii-publisher';
export { TAXII_MEDIA_TYPE, TAXII_OBJECTS_PATH } from './taxii-http';
export { departmentCollectionId, sectorCollectionId } from './collections';
export { TaxiiSubscriptions } from './taxii-subscriptions.service';
